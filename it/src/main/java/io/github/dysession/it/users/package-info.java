/**
 * The user-sessions test applications ({@code /users}, limit 3 with policy REFUSE, key prefix
 * {@code users#}; {@code /users-oldest}, limit 2 with policy END_OLDEST, key prefix {@code
 * oldest#}): logins by {@code request.login}, a user's sessions listed and ended through
 * dysession's {@code UserSessions} bean, and the callbacks an ended session gets, counted per
 * instance.
 */
package io.github.dysession.it.users;
