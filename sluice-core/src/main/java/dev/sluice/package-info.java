/**
 * Sluice's public API: run the pipeline with {@link dev.sluice.Sluice}, shape it with
 * {@link dev.sluice.SluiceConfig}, plug in a {@link dev.sluice.Processor} and a {@link dev.sluice.spi.Store},
 * feed it a {@link dev.sluice.InputSource}, read back {@link dev.sluice.RequestResult}s and a
 * {@link dev.sluice.RunSummary}. Start with {@link dev.sluice.Sluice}; the stages live in the sub-packages,
 * assembled in {@link dev.sluice.internal.pipeline.Pipeline}.
 */
package dev.sluice;
