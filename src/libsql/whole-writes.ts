// Strapi 4 writes an entry in two steps: the row (insert, or update of its fields) on its own,
// then its relation links in a transaction. When the links fail, it repairs the row: deletes the
// new one, or writes the old fields back. Over a network the failure is often a lost connection,
// and then the repair is lost with it: an entry without its relations, or with new fields and old
// relations. Measured on sqld, cutting a create or an update at each of its round trips.
//
// So on libSQL each create and update of Strapi's entity manager writes in one transaction: the
// row and the links. Strapi's own transaction inside it joins this one, as its nested transactions
// do. It commits when Strapi reads the entry back, so that the read and the after* lifecycle hooks
// run after the commit, as they do in Strapi, and the write holds the database's one writer no
// longer than before. A cut then leaves the whole write or none of it.

/** The entity manager's two methods that write an entry and its relations in two steps. */
const TWO_STEP_WRITES = ["create", "update"] as const;

type Write = (uid: string, params?: unknown) => Promise<unknown>;

interface EntityManagerLike {
  create: Write;
  update: Write;
  findOne(uid: string, params?: unknown): Promise<unknown>;
}

/** The bundle's transaction context (an AsyncLocalStorage), which Strapi's queries join. */
export interface TransactionContext {
  run<T>(trx: unknown, callback: () => Promise<T>): Promise<T>;
  get(): unknown;
  commit(trx: unknown): Promise<void>;
  rollback(trx: unknown): Promise<void>;
}

interface DatabaseLike {
  connection: { transaction(): Promise<unknown> };
}

export function writeEntriesWhole(entityManager: EntityManagerLike, db: DatabaseLike, context: TransactionContext): void {
  for (const method of TWO_STEP_WRITES) {
    const write = entityManager[method];
    entityManager[method] = function (this: EntityManagerLike, uid, params) {
      // Inside a transaction already: Strapi's nesting makes the write part of it.
      if (context.get()) return write.call(this, uid, params);
      return writeInOneTransaction(this, write, uid, params, db, context);
    };
  }
}

async function writeInOneTransaction(entityManager: EntityManagerLike, write: Write, uid: string, params: unknown, db: DatabaseLike, context: TransactionContext): Promise<unknown> {
  const trx = await db.connection.transaction();
  let open = true;
  const commit = async () => {
    if (!open) return;
    open = false;
    // Strapi's commit: clears the context's transaction, so what follows runs outside it.
    await context.commit(trx);
  };
  // Strapi reads the entry back once the row and its links are written.
  const committingFirst: EntityManagerLike = Object.create(entityManager, {
    findOne: { value: async (...args: [string, unknown?]) => (await commit(), entityManager.findOne(...args)) },
  });
  return context.run(trx, async () => {
    try {
      const result = await write.call(committingFirst, uid, params);
      await commit();
      return result;
    } catch (error) {
      if (open) {
        open = false;
        // A rollback on a lost connection fails too; the server has rolled back already.
        await context.rollback(trx).catch(() => undefined);
      }
      throw error;
    }
  });
}
