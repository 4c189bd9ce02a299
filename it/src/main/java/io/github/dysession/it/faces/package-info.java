/**
 * The Faces test application ({@code faces.war}, under {@code /faces}): standard Jakarta Faces and
 * CDI only, with the server's own Faces implementation; a {@code @ViewScoped} counter, a
 * {@code @SessionScoped} bean read from EL, the Flash across a redirect and a {@code @FlowScoped}
 * flow of three pages.
 */
package io.github.dysession.it.faces;
