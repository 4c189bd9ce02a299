/**
 * dysession's MicroProfile Metrics, where the server has MicroProfile Metrics: a bean that hears
 * the application's {@link io.github.dysession.store.Operations} and keeps counters, timers and a
 * histogram in the application registry. {@code beans.xml} leaves the package out of discovery
 * where the API is absent.
 */
package io.github.dysession.metrics;
