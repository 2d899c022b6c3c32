/**
 * Typed tables ({@code --table}) on the storage road both databases share: the schema catalog ({@code table_columns}),
 * how a batch's rows change it (new columns, widened types, under the schema contract), how values fit their columns,
 * and how rows, child rows and rejects are written inside the completion's transaction.
 */
package dev.sluice.internal.store.tables;
