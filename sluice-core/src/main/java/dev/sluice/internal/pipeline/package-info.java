/**
 * The assembly: {@link dev.sluice.internal.pipeline.Pipeline} wires admission, fetch threads, the CPU stage and the
 * writer for one run; {@code RequestJob} is one URL's life; {@code LiveJobs} lets a stop find and end them.
 */
package dev.sluice.internal.pipeline;
