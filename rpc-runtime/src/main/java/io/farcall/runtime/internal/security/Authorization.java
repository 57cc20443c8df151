package io.farcall.runtime.internal.security;

import io.farcall.PermissionDeniedException;
import io.farcall.RemoteCall;
import io.farcall.ServerInterceptor;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Checks every call a provider serves against its {@link Policy} (the {@code authz} option's file,
 * read again when it changes): a call the policy does not allow fails with {@link
 * PermissionDeniedException}, before any application interceptor or code runs, and leaves one line
 * at WARN in the logger {@value #AUDIT_LOGGER}.
 */
public final class Authorization implements ServerInterceptor {
  /** Where refused calls are logged, one line each. */
  public static final String AUDIT_LOGGER = "farcall.audit";

  private static final Logger log = LogManager.getLogger(Authorization.class);
  private static final Logger audit = LogManager.getLogger(AUDIT_LOGGER);

  private final Path file;
  private final WatchedFile<Policy> policy;

  /**
   * @throws IllegalArgumentException naming the option, if the file cannot be read or parsed
   */
  public Authorization(Path file) {
    this.file = file;
    this.policy = new WatchedFile<>("authz", file, Policy::parse);
    log.info("calls are authorized by the policy in {} ({} rules)", file, policy.get().size());
  }

  /** Reads the policy file again; see {@link WatchedFile#reloadIfChanged}. */
  public void reloadIfChanged() {
    policy.reloadIfChanged();
  }

  @Override
  public Object intercept(RemoteCall call, Chain chain) throws Throwable {
    String who = call.identity();
    if (policy.get().allows(call.service(), call.method().getName(), who)) {
      return chain.proceed();
    }
    audit.warn(
        "refused {}.{} to {} from {}: not allowed by {}",
        call.service(),
        call.methodKey(),
        who,
        call.peer(),
        file);
    throw new PermissionDeniedException(call.service(), call.methodKey(), who);
  }
}
