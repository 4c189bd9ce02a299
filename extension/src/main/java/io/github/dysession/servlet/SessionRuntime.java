package io.github.dysession.servlet;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.OperationsListener;
import io.github.dysession.store.SessionStore;
import java.util.Objects;

/**
 * The collaborators dysession's filter needs: the store, the codec, the settings and the CDI
 * bridge, as a {@link SessionRuntimeProvider} hands them out.
 *
 * @param store where sessions live
 * @param codec how attribute values become bytes
 * @param settings the validated settings
 * @param bridge the CDI implementation's hooks, or {@link SessionScopeBridge#NONE}
 * @param operations where the filter reports sessions created, ended and saved (for metrics)
 */
public record SessionRuntime(
    SessionStore store,
    AttributeCodec codec,
    DysessionSettings settings,
    SessionScopeBridge bridge,
    OperationsListener operations) {

  /** Checks that every collaborator is present. */
  public SessionRuntime {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(operations, "operations");
  }

  /** The collaborators, reporting to no one. */
  public SessionRuntime(
      SessionStore store,
      AttributeCodec codec,
      DysessionSettings settings,
      SessionScopeBridge bridge) {
    this(store, codec, settings, bridge, OperationsListener.NONE);
  }
}
