package io.github.dysession.it.faces;

import io.github.dysession.it.fragment.RecordingListener;

/** Added as an instance by {@link ListenerAddingContextListener}. */
public class ContextAddedListener extends RecordingListener {}
