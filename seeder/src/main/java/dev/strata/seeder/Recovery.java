package dev.strata.seeder;

import dev.strata.seeder.db.CloudDatabase;
import dev.strata.seeder.db.Inventory;
import dev.strata.seeder.db.StoreRefRow;
import dev.strata.seeder.store.ImageStore;
import dev.strata.seeder.store.TemplateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Finishes what an interrupted run left, under the lock, before planning: a journal whose rows
 * were committed gets its staged folder renamed to its id; a journal without rows takes its
 * staging folder with it (never a folder named by an id: those are only ever made after commit);
 * other staging folders go.
 */
final class Recovery {

    private Recovery() {
    }

    static List<String> run(CloudDatabase db, Inventory inv, Function<ImageStore, TemplateStore> open,
                            Consumer<String> log) {
        List<String> done = new ArrayList<>();
        for (ImageStore s : inv.stores()) {
            if (!s.isNfs() || s.readonly() || s.zoneId() == null || !inv.inUse().containsKey(s.zoneId())) {
                continue;
            }
            TemplateStore store = open.apply(s);
            for (TemplateStore.Journal j : store.journals()) {
                Optional<StoreRefRow> ref = db.storeRef(s.id(), j.templateId());
                if (ref.isPresent() && ref.get().installPath().equals(j.installPath())) {
                    store.complete(j);
                    done.add("completed: template " + j.templateId() + " on " + s.label() + " was committed");
                } else {
                    store.rollBack(j);
                    done.add("cleaned up: staged template " + j.templateId() + " on " + s.label()
                            + " had no database rows");
                }
            }
            store.removeStaging().forEach(p -> done.add("cleaned up: interrupted copy " + p));
        }
        done.forEach(log);
        return done;
    }
}
