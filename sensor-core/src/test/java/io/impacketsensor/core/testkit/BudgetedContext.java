package io.impacketsensor.core.testkit;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.BufferBudget;
import io.impacketsensor.core.flow.FlowContext;

import java.net.InetAddress;

/** A test context that passes everything to another and charges buffers to a given budget. */
public final class BudgetedContext implements FlowContext {
    private final FlowContext inner;
    private final BufferBudget budget;

    public BudgetedContext(FlowContext inner, BufferBudget budget) {
        this.inner = inner;
        this.budget = budget;
    }

    @Override
    public long flowId() {
        return inner.flowId();
    }

    @Override
    public Transport transport() {
        return inner.transport();
    }

    @Override
    public long timestampNanos() {
        return inner.timestampNanos();
    }

    @Override
    public int serverPort() {
        return inner.serverPort();
    }

    @Override
    public int clientPort() {
        return inner.clientPort();
    }

    @Override
    public EventHeader header() {
        return inner.header();
    }

    @Override
    public void emit(SensorEvent event) {
        inner.emit(event);
    }

    @Override
    public void expect(InetAddress server, int port, String analyzerName) {
        inner.expect(server, port, analyzerName);
    }

    @Override
    public BufferBudget.Account bufferAccount(String name, BufferBudget.Owner owner) {
        return budget.account(name, owner);
    }
}
