package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stored names of mechanisms: portable for the servers' built-in ones, exact for the
 * application's.
 */
class LoginMechanismsTest {

  @ParameterizedTest
  @CsvSource({
    "org.glassfish.soteria.mechanisms.FormAuthenticationMechanism, server:form",
    "org.apache.tomee.security.cdi.FormAuthenticationMechanism, server:form",
    "org.glassfish.soteria.mechanisms.CustomFormAuthenticationMechanism, server:custom-form",
    "com.ibm.ws.security.javaeesec.cdi.beans.CustomFormAuthenticationMechanism, server:custom-form",
    "org.apache.tomee.security.cdi.BasicAuthenticationMechanism, server:basic",
    "org.glassfish.soteria.mechanisms.OpenIdAuthenticationMechanism, server:openid",
    "fish.payara.security.oauth2.OAuth2AuthenticationMechanism,"
        + " server:OAuth2AuthenticationMechanism",
    "org.glassfish.soteria.Outer$InnerMechanism, server:InnerMechanism",
    // A class of the application's own whose package merely resembles a server's is its own.
    "org.glassfishing.SignIn, org.glassfishing.SignIn"
  })
  void serversBuiltInMechanisms_areNamedByKind_alikeOnEveryServer(String className, String stored) {
    assertThat(LoginMechanisms.nameOf(className)).isEqualTo(stored);
  }

  @Test
  void applicationMechanisms_areNamedByClass_andOnlyServersNamesHoldWithoutTheClass() {
    assertThat(LoginMechanisms.nameOf(LoginMechanismsTest.class))
        .isEqualTo(LoginMechanismsTest.class.getName());
    assertThat(LoginMechanisms.isServers("server:form")).isTrue();
    assertThat(LoginMechanisms.isServers(LoginMechanisms.REQUEST_LOGIN)).isTrue();
    assertThat(LoginMechanisms.isServers(LoginMechanisms.CONTAINER_FORM)).isTrue();
    assertThat(LoginMechanisms.isServers("com.example.SignInMechanism")).isFalse();
  }
}
