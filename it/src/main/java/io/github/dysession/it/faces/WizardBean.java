package io.github.dysession.it.faces;

import jakarta.faces.flow.FlowScoped;
import jakarta.inject.Named;
import java.io.Serializable;

/** What the three pages of the wizard flow collect. */
@Named
@FlowScoped("wizard")
public class WizardBean implements Serializable {

  private static final long serialVersionUID = 1L;

  private String first;
  private String second;

  public String getFirst() {
    return first;
  }

  public void setFirst(String first) {
    this.first = first;
  }

  public String getSecond() {
    return second;
  }

  public void setSecond(String second) {
    this.second = second;
  }
}
