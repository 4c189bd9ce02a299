package io.github.dysession.it.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Enables JAX-RS under /api. */
@ApplicationPath("api")
public class RestApplication extends Application {}
