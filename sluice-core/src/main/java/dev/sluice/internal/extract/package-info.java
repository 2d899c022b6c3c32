/**
 * The table extractor, the CPU-stage part of {@code --table}: {@link dev.sluice.internal.extract.Extractor} compiles a
 * {@link dev.sluice.TableSpec} once (its {@code --extract} fields, {@code --rows}, {@code --jq}), then turns each
 * fetched body into an {@link dev.sluice.Extraction}: the rows of the table and of its child tables, and the values
 * rejected on the way. Start there.
 *
 * <p>Inside: a field ({@code Field}) is a source ({@code Source}: css, xpath, jq, jsonld, re, meta) then steps
 * ({@code Steps}) then its declared type ({@code Declared}); what makes the rows is {@code Rows}; a response's views
 * (the jsoup document, its W3C DOM, the JSON tree, the JSON-LD blocks, the text) are parsed at most once each, on
 * first use, by {@code Body}; JSON values become columns and child tables in {@code JsonColumns}, named as dlt names
 * them ({@code Names}). Pure logic: no I/O, no state between responses but caches of column names.
 */
package dev.sluice.internal.extract;
