/**
 * dysession's metrics as a JMX MXBean on every server ({@code java.management}, no dependency): one
 * {@code io.github.dysession:type=Metrics,app=<context path>} per application, for JMX consoles and
 * exporters where the server has neither MicroProfile Metrics nor Telemetry.
 */
package io.github.dysession.jmx;
