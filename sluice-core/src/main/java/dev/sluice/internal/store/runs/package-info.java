/**
 * Run records ({@code runs} and what each run met: {@code run_hosts}, {@code run_latency}, …), written beside the
 * results in both databases, and the report read back from them ({@link dev.sluice.internal.store.runs.RunReports}).
 */
package dev.sluice.internal.store.runs;
