package io.impacketsensor.decoders.pipe;

import io.impacketsensor.core.flow.FlowContext;

/**
 * Opens a consumer for a named pipe; the SMB2 analyzer calls it when a pipe CREATE succeeds, the SMB1
 * analyzer when an NT_CREATE_ANDX/OPEN_ANDX on a pipe succeeds (session id = UID, tree id = TID).
 */
@FunctionalInterface
public interface PipeConsumerFactory {

    /** Ignores every pipe. */
    PipeConsumerFactory NONE = (ctx, pipeName, sessionId, treeId) -> null;

    /**
     * @param ctx       the SMB2 flow's context (events are emitted through it)
     * @param pipeName  pipe name as opened, without {@code \PIPE\} (e.g. {@code svcctl})
     * @param sessionId SMB2 session id
     * @param treeId    SMB2 tree id of the IPC$ tree
     * @return a consumer, or null to ignore this pipe
     */
    PipeConsumer open(FlowContext ctx, String pipeName, long sessionId, int treeId);
}
