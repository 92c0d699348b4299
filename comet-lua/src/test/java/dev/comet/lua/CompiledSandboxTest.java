package dev.comet.lua;

import dev.comet.aso.HandlerEngine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The object model and the whole hostile-handler suite again on compiled handlers ({@link HandlerCompiler}): every
 * attack must end with the same error as on the interpreter, so no limit is weaker there. Each object the suite
 * loads must really run compiled.
 */
class CompiledSandboxTest extends SandboxTest {
    @Override
    HandlerEngine engine() {
        return HandlerEngine.COMPILED;
    }

    @Override
    void loaded(AsoInstance object) {
        assertThat(object.compiled).as("the object runs compiled").isTrue();
        for (String handler : Sandbox.HANDLERS) {
            org.luaj.vm2.LuaValue function = Sandbox.handler(object, handler);
            if (function != null) {
                assertThat(HandlerCompiler.isCompiled(function)).as("%s is compiled", handler).isTrue();
            }
        }
    }
}
