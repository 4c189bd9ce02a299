/**
 * The Faces test application's jar in {@code WEB-INF/lib} (listener-fragment.jar): a session
 * listener declared in its {@code web-fragment.xml}, an initializer that adds one, and the event
 * counter the application's own listeners share.
 */
package io.github.dysession.it.fragment;
