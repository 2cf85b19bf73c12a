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
        /** The journal naming the template folder is written; the folder is not yet renamed. */
        JOURNALED,
        /** The template folder has its final name; the rows are not yet written. */
        PUBLISHED,
        /** Every row is written inside the transaction, which is not yet committed. */
        ROWS_WRITTEN,
        /** The transaction is committed; journals are still there. */
        COMMITTED
    }

    void at(Step step, String detail);
}
