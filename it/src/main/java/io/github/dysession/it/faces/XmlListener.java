package io.github.dysession.it.faces;

import io.github.dysession.it.fragment.RecordingListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Declared two ways: by {@code <listener>} in {@code web.xml} and by {@code @WebListener}; it must
 * hear each event once.
 */
@WebListener
public class XmlListener extends RecordingListener {}
