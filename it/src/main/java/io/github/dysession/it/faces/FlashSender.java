package io.github.dysession.it.faces;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.context.Flash;
import jakarta.inject.Named;

/**
 * Puts the form's message into the Flash, with a second value that the next page keeps, queues a
 * Faces message kept over the redirect, and redirects to the page that shows them.
 */
@Named
@RequestScoped
public class FlashSender {

  private String message;

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  /** The form's action. */
  public String send() {
    FacesContext context = FacesContext.getCurrentInstance();
    Flash flash = context.getExternalContext().getFlash();
    flash.put("message", message);
    flash.put("sticky", "kept " + message);
    flash.setKeepMessages(true);
    context.addMessage(null, new FacesMessage("sent " + message));
    return "flash-shown?faces-redirect=true";
  }
}
