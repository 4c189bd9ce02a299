package io.github.dysession.faces;

import jakarta.faces.application.FacesMessage;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one traversal of the Faces lifecycle leaves in the session for the next: the flash values,
 * whether it ended with a redirect, and the messages it kept. Never changed once stored.
 */
final class FlashState implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  private final LinkedHashMap<String, Object> values;
  private final boolean afterRedirect;
  private final ArrayList<KeptMessage> messages;

  FlashState(Map<String, Object> values, boolean afterRedirect, List<KeptMessage> messages) {
    this.values = new LinkedHashMap<>(values);
    this.afterRedirect = afterRedirect;
    this.messages = new ArrayList<>(messages);
  }

  /** Returns a copy of the values for the next traversal. */
  Map<String, Object> values() {
    return new LinkedHashMap<>(values);
  }

  boolean afterRedirect() {
    return afterRedirect;
  }

  List<KeptMessage> messages() {
    return List.copyOf(messages);
  }

  boolean isEmpty() {
    return values.isEmpty() && messages.isEmpty();
  }

  /** A message kept for the next traversal, with the client id it was queued for (null: global). */
  record KeptMessage(String clientId, FacesMessage message) implements Serializable {}
}
