package io.github.dysession.it.faces;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;

/** Puts the form's message into the Flash and redirects to the page that shows it. */
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
    FacesContext.getCurrentInstance().getExternalContext().getFlash().put("message", message);
    return "flash-shown?faces-redirect=true";
  }
}
