package io.github.dysession.it.fragment;

/** Declared by {@code <listener>} in the fragment jar's {@code META-INF/web-fragment.xml}. */
public class FragmentListener extends RecordingListener {}
