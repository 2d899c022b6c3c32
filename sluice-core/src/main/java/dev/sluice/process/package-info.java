/** The CPU stage: a bounded pool of platform threads ({@link dev.sluice.process.ProcessStage}) and the jq processor. */
package dev.sluice.process;
