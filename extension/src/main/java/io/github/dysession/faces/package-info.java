/**
 * Jakarta Faces support: a Flash kept in the user's session for Mojarra, which otherwise keeps
 * flash values in the memory of the instance that wrote them.
 *
 * <p>Nothing here is a CDI bean. Mojarra finds {@link
 * io.github.dysession.faces.MojarraFacesConfigProvider} through its own service-provider interface
 * and reads the faces-config document it names, which registers {@link
 * io.github.dysession.faces.SessionFlashFactory}. MyFaces never loads these classes: it keeps the
 * Flash in the session already.
 */
package io.github.dysession.faces;
