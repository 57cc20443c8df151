package io.farcall.runtime.internal.invoke;

import io.farcall.LoadBalance;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.transport.ClientTransport;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What every service's {@link ClientInvoker} of one runtime shares: the transport and its provider
 * health, the codec, the deadline timer, the callback threads, the retry budget and the defaults.
 */
public record ClientResources(
    ClientTransport transport,
    ProviderHealth health,
    RetryBudget retryBudget,
    BodyCodec codec,
    Timer timer,
    Executor callbackExecutor,
    Duration defaultTimeout,
    LoadBalance defaultLoadBalance) {}
