package acme.ledger;

import java.util.concurrent.atomic.AtomicLong;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.springframework.stereotype.Component;

/** Counts the calls of {@link LedgerService#record} that went through Spring's proxy. */
@Aspect
@Component
public class CountingAspect {
  static final AtomicLong runs = new AtomicLong();

  @Around("execution(* acme.ledger.LedgerService.record(..))")
  public Object count(ProceedingJoinPoint call) throws Throwable {
    runs.incrementAndGet();
    return call.proceed();
  }
}
