package dev.strata.seeder;

/**
 * Points in a run where tests stop the seeder (kill, crash, pause) to prove that whatever
 * happens, the store and the database hold either nothing or a complete template.
 */
public interface SeedHooks {

    SeedHooks NONE = (step, detail) -> { };

    enum Step {
        /** Half of a template file has been written to its temporary name on the store. */
        COPY_HALFWAY,
        /** The template folder is complete under its staging name. */
        STAGED,
        /** The journal naming the staged folder and its final name is written. */
        JOURNALED,
        /** Every row is written inside the transaction, which is not yet committed. */
        ROWS_WRITTEN,
        /** The transaction is committed; the folders still have their staging names. */
        COMMITTED,
        /** The first template folder has its final name (after commit); others are still staged. */
        PUBLISHED
    }

    void at(Step step, String detail);
}
