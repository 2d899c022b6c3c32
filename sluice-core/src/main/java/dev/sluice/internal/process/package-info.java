/**
 * The CPU stage: a bounded pool of platform threads ({@link dev.sluice.internal.process.ProcessStage}, its queue bounded in
 * bodies and in bytes) and the jq processor ({@link dev.sluice.internal.process.JqProcessor}). Start with those two. The
 * processor reads a body into a tree of only what its expression can read: {@code JqReads} works that out from
 * jackson-jq's syntax tree, {@code ProjectingReader} builds it (Jackson's node classes and values, the rest only
 * checked for syntax), {@code JqBuiltins} has a faster {@code add}; anything unusual goes Jackson's way.
 */
package dev.sluice.internal.process;
