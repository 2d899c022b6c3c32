/** Admission's raw material: streamed URL lines ({@link dev.sluice.input.LineSource}) and the URL check ({@link dev.sluice.input.UrlParser}). */
package dev.sluice.input;
