/**
 * dysession's metrics through OpenTelemetry, where the server has MicroProfile Telemetry: a bean
 * that hears the application's {@link io.github.dysession.store.Operations} and records counters
 * and histograms on the application's {@code OpenTelemetry} meter, once the application has
 * switched the SDK on ({@code otel.sdk.disabled=false}). {@code beans.xml} leaves the package out
 * of discovery where the API is absent.
 */
package io.github.dysession.telemetry;
