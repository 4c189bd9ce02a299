package io.github.dysession.it.fragment;

/** Added by {@link ListenerAddingInitializer} with {@code ServletContext.addListener(Class)}. */
public class InitializerAddedListener extends RecordingListener {}
