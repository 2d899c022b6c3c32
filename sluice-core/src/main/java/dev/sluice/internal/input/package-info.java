/** Admission's raw material: streamed URL lines ({@link dev.sluice.internal.input.LineSource}) and the URL check ({@link dev.sluice.internal.input.UrlParser}). */
package dev.sluice.internal.input;
