// Strapi 4 writes an entry in two steps: the row (insert, or update of its fields) on its own,
// then its relation links in a transaction. When the links fail, it repairs the row: deletes the
// new one, or writes the old fields back. Over a network the failure is often a lost connection,
// and then the repair is lost with it: an entry without its relations, or with new fields and old
// relations. Measured on sqld, cutting a create or an update at each of its round trips.
//
// So on libSQL each create and update of Strapi's entity manager runs in one transaction: the
// row, the links, and what Strapi does after them inside the same call (it reads the entry back
// and runs the after* lifecycle hooks). Strapi's own transaction inside it joins this one, as its
// nested transactions do. A cut then leaves the whole write or none of it.

/** The entity manager's two methods that write an entry and its relations in two steps. */
const TWO_STEP_WRITES = ["create", "update"] as const;

interface EntityManagerLike {
  create(uid: string, params?: unknown): Promise<unknown>;
  update(uid: string, params?: unknown): Promise<unknown>;
}

interface DatabaseLike {
  transaction<T>(callback: () => Promise<T>): Promise<T>;
}

export function writeEntriesWhole(entityManager: EntityManagerLike, db: DatabaseLike): void {
  for (const method of TWO_STEP_WRITES) {
    const write = entityManager[method];
    entityManager[method] = function (this: EntityManagerLike, uid: string, params?: unknown) {
      return db.transaction(() => write.call(this, uid, params));
    };
  }
}
