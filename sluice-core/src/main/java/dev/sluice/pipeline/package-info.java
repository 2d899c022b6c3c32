/**
 * The assembly: {@link dev.sluice.pipeline.Pipeline} wires admission, fetch threads, the CPU stage and the
 * writer for one run; {@code UrlJob} is one URL's life; {@code LiveJobs} lets a stop find and end them.
 */
package dev.sluice.pipeline;
