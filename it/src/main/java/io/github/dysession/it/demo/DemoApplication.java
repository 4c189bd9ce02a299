package io.github.dysession.it.demo;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Enables the demo's JSON API under {@code /api}. */
@ApplicationPath("api")
public class DemoApplication extends Application {}
