package dev.comet.cli;

/**
 * Issue #4's hostile-handler suite over UDP again, its nodes' handlers compiled (HandlerEngine.COMPILED): every
 * attack must end with the same error code and message as on the interpreter.
 */
class CompiledHostileObjectsTest extends HostileObjectsTest {
}
