import type Database from 'better-sqlite3';

/**
 * Change a table SQLite cannot ALTER (a CHECK, a column's collation): create the new form, copy
 * the rows, drop the old table and rename the new one, then recreate the old table's indexes and
 * triggers (read from the schema, so none is forgotten) — SQLite's documented 12-step procedure.
 * `create` gets the temporary table name; columns present in both tables are copied. Runs inside
 * a migration with `rebuildsTables` (foreign keys off). `replaceIndexes` swaps an index's SQL by name.
 */
export function rebuildTable(db: Database.Database, table: string, create: (name: string) => string, replaceIndexes: Record<string, string | null> = {}): void {
  const kept = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name")
    .all(table) as { name: string; sql: string }[];
  const temp = `${table}_rebuilt`;
  db.exec(create(temp));
  const columnsOf = (t: string) => (db.pragma(`table_info(${t})`) as { name: string }[]).map((c) => c.name);
  const old = new Set(columnsOf(table));
  const shared = columnsOf(temp).filter((c) => old.has(c)).map((c) => `"${c}"`).join(', ');
  db.exec(`INSERT INTO ${temp} (${shared}) SELECT ${shared} FROM ${table}`);
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${temp} RENAME TO ${table}`);
  for (const { name, sql } of kept) {
    if (name in replaceIndexes) {
      const replacement = replaceIndexes[name];
      if (replacement) db.exec(replacement);
    } else db.exec(sql);
  }
}
