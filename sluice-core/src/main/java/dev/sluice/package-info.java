/**
 * Sluice's public API: run the pipeline with {@link dev.sluice.Sluice}, shape it with
 * {@link dev.sluice.SluiceConfig}, plug in a {@link dev.sluice.Processor} and {@link dev.sluice.DiscoveryOptions},
 * open a store with {@link dev.sluice.Sqlite} or {@link dev.sluice.Postgres}, feed it an
 * {@link dev.sluice.InputSource}, read back {@link dev.sluice.RequestResult}s and a {@link dev.sluice.RunSummary}.
 * The contracts a store implements are in {@code dev.sluice.spi}; everything in {@code dev.sluice.internal} may change.
 */
package dev.sluice;
