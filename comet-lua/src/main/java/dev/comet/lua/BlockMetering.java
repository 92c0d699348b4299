package dev.comet.lua;

import org.luaj.vm2.Lua;
import org.luaj.vm2.Prototype;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds the sandbox's metering to one class LuaJC generated for a Lua function (see {@link HandlerCompiler}): a charge
 * of each Lua basic block's instructions where the block's code starts, the call depth at the function's entry and
 * on every way out, and concatenations charged before they are built. LuaJC was given each instruction's index as
 * its line, so the class's line numbers say where each Lua instruction's code starts; they are set back to the
 * real lines here, for error positions.
 *
 * <p>Refuses ({@link Unmeterable}) a class whose control flow it cannot prove passes a charge on every cycle: a
 * jump backwards to anything but a charged block's start, or a jump forward past another instruction's start to
 * something that is not one. The object then runs on the interpreter.
 */
final class BlockMetering {
    /** The static field every generated class gets, holding its sandbox's {@link CompiledMetering}. */
    static final String FIELD = "comet$metering";
    private static final String HUB = Type.getInternalName(CompiledMetering.class);
    private static final String HUB_DESC = Type.getDescriptor(CompiledMetering.class);
    private static final String LUA_VALUE = "org/luaj/vm2/LuaValue";

    /** Why a class could not be metered: it is not run compiled. */
    static final class Unmeterable extends Exception {
        Unmeterable(String why) {
            super(why, null, false, false);
        }
    }

    private BlockMetering() {
    }

    /** The class {@code bytes}, compiled from {@code input}'s copy of a function, with its metering. */
    static byte[] instrument(byte[] bytes, CompilerInput input) throws Unmeterable {
        Prototype p = input.copy;
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        node.fields.add(new FieldNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, FIELD, HUB_DESC, null, null));
        int bodies = 0;
        for (MethodNode method : node.methods) {
            if (hasLines(method)) {
                bodies++;
                meterBody(node.name, method, p, input.blockSizes, input.realLines, source(p));
            }
        }
        if (bodies != 1) {
            throw new Unmeterable(bodies + " methods hold Lua code, not one");
        }
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        node.accept(writer);
        return writer.toByteArray();
    }

    private static String source(Prototype p) {
        return p.source != null ? p.source.tojstring() : "?";
    }

    private static boolean hasLines(MethodNode method) {
        for (AbstractInsnNode i : method.instructions) {
            if (i instanceof LineNumberNode) {
                return true;
            }
        }
        return false;
    }

    private static void meterBody(String owner, MethodNode method, Prototype p, int[] blockSize, int[] realLines,
                                  String source) throws Unmeterable {
        if (!method.tryCatchBlocks.isEmpty()) {
            throw new Unmeterable("the generated code catches exceptions");
        }
        InsnList code = method.instructions;
        // where each Lua instruction's code starts, and which labels start a charged block
        Map<LabelNode, Integer> charged = new HashMap<>();
        Map<AbstractInsnNode, Integer> instructionOf = new HashMap<>();
        int current = -1;
        for (AbstractInsnNode i = code.getFirst(); i != null; i = i.getNext()) {
            if (i instanceof LineNumberNode line) {
                int pc = line.line - 1;
                if (pc < 0 || pc >= blockSize.length) {
                    throw new Unmeterable("a line that is no instruction: " + line.line);
                }
                current = pc;
                line.line = pc < realLines.length ? realLines[pc] : 0;
                if (blockSize[pc] > 0) {
                    charged.put(line.start, pc);
                    code.insert(line, charge(owner, blockSize[pc]));
                }
            }
            instructionOf.put(i, current);
        }
        checkJumps(code, charged, instructionOf);
        checkNumericFor(code, p, instructionOf);
        replaceConcatenations(owner, code);
        meterDepth(owner, method, source);
    }

    /** Every jump lands on a charged block's start, or forward within the Lua instruction it belongs to. */
    private static void checkJumps(InsnList code, Map<LabelNode, Integer> charged,
                                   Map<AbstractInsnNode, Integer> instructionOf) throws Unmeterable {
        for (AbstractInsnNode i : code) {
            List<LabelNode> targets;
            if (i instanceof JumpInsnNode jump) {
                targets = List.of(jump.label);
            } else if (i instanceof TableSwitchInsnNode table) {
                targets = concat(table.labels, table.dflt);
            } else if (i instanceof LookupSwitchInsnNode lookup) {
                targets = concat(lookup.labels, lookup.dflt);
            } else {
                continue;
            }
            for (LabelNode target : targets) {
                if (charged.containsKey(target)) {
                    continue;
                }
                boolean forward = code.indexOf(target) > code.indexOf(i);
                Integer from = instructionOf.get(i);
                Integer to = instructionOf.get(target);
                if (!forward || from == null || !from.equals(to)) {
                    throw new Unmeterable("a jump to code no charge precedes");
                }
            }
        }
    }

    private static List<LabelNode> concat(List<LabelNode> labels, LabelNode other) {
        List<LabelNode> all = new ArrayList<>(labels);
        all.add(other);
        return all;
    }

    private static InsnList charge(String owner, int instructions) {
        InsnList list = new InsnList();
        list.add(new FieldInsnNode(Opcodes.GETSTATIC, owner, FIELD, HUB_DESC));
        list.add(new LdcInsnNode(instructions));
        list.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, HUB, "block", "(I)V", false));
        return list;
    }

    private static InsnList hubCall(String owner, String name) {
        InsnList list = new InsnList();
        list.add(new FieldInsnNode(Opcodes.GETSTATIC, owner, FIELD, HUB_DESC));
        list.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, HUB, name, "()V", false));
        return list;
    }

    /**
     * A numeric for's start, limit and step are checked and converted once, where its FORPREP's code starts, as the
     * interpreter's FORPREP does (in that order, with its messages): LuaJC's code would do arithmetic on whatever it
     * was given. LuaJC keeps a loop's three hidden registers in plain locals; their slots are read from its FORPREP
     * code (start, step: {@code sub}) and its FORLOOP code (limit, step: {@code testfor_b}). A loop whose code has
     * another shape is refused.
     */
    private static void checkNumericFor(InsnList code, Prototype p, Map<AbstractInsnNode, Integer> instructionOf)
            throws Unmeterable {
        Map<Integer, MethodInsnNode> start = new HashMap<>();
        Map<Integer, MethodInsnNode> test = new HashMap<>();
        for (AbstractInsnNode i : code) {
            if (!(i instanceof MethodInsnNode call) || !call.owner.equals(LUA_VALUE)) {
                continue;
            }
            Integer pc = instructionOf.get(call);
            int op = pc == null || pc < 0 ? -1 : Lua.GET_OPCODE(p.code[pc]);
            if (op == Lua.OP_FORPREP && call.name.equals("sub")) {
                start.put(pc, call);
            } else if (op == Lua.OP_FORLOOP && call.name.equals("testfor_b")) {
                test.put(pc, call);
            }
        }
        for (int pc = 0; pc < p.code.length; pc++) {
            if (Lua.GET_OPCODE(p.code[pc]) != Lua.OP_FORPREP) {
                continue;
            }
            int loop = pc + 1 + Lua.GETARG_sBx(p.code[pc]);
            VarInsnNode step = load(start.get(pc), pc, instructionOf);
            VarInsnNode init = load(step, pc, instructionOf);
            VarInsnNode loopStep = load(test.get(loop), loop, instructionOf);
            VarInsnNode limit = load(loopStep, loop, instructionOf);
            if (init == null || limit == null || loopStep.var != step.var) {
                throw new Unmeterable("a numeric for whose code has an unexpected shape");
            }
            InsnList checks = new InsnList();
            checks.add(checked(init.var, "forStart"));
            checks.add(checked(limit.var, "forLimit"));
            checks.add(checked(step.var, "forStep"));
            code.insertBefore(init, checks);
        }
    }

    /** The local load just before {@code next} in Lua instruction {@code pc}'s code, or null. */
    private static VarInsnNode load(AbstractInsnNode next, int pc, Map<AbstractInsnNode, Integer> instructionOf) {
        if (next == null) {
            return null;
        }
        AbstractInsnNode i = next.getPrevious();
        while (i != null && i.getOpcode() < 0 && !(i instanceof LineNumberNode)) {
            i = i.getPrevious(); // labels and frames
        }
        return i instanceof VarInsnNode v && v.getOpcode() == Opcodes.ALOAD
                && Integer.valueOf(pc).equals(instructionOf.get(i)) ? v : null;
    }

    /** Replaces local {@code slot} with the hub's {@code check} of it. */
    private static InsnList checked(int slot, String check) {
        InsnList list = new InsnList();
        list.add(new VarInsnNode(Opcodes.ALOAD, slot));
        list.add(new MethodInsnNode(Opcodes.INVOKESTATIC, HUB, check,
                "(L" + LUA_VALUE + ";)L" + LUA_VALUE + ";", false));
        list.add(new VarInsnNode(Opcodes.ASTORE, slot));
        return list;
    }

    /**
     * LuaJC's concatenations go through the hub's charging ones, which take the same operands: the hub is put below
     * them on the stack.
     */
    private static void replaceConcatenations(String owner, InsnList code) {
        for (AbstractInsnNode i : code.toArray()) {
            if (!(i instanceof MethodInsnNode call) || call.getOpcode() != Opcodes.INVOKEVIRTUAL
                    || !call.owner.equals(LUA_VALUE)) {
                continue;
            }
            InsnList before = new InsnList();
            before.add(new FieldInsnNode(Opcodes.GETSTATIC, owner, FIELD, HUB_DESC));
            if (call.name.equals("concat")) {
                // left, right -> hub, left, right
                before.add(new InsnNode(Opcodes.DUP_X2));
                before.add(new InsnNode(Opcodes.POP));
            } else if (call.name.equals("buffer") && call.desc.equals("()Lorg/luaj/vm2/Buffer;")) {
                before.add(new InsnNode(Opcodes.SWAP));
            } else {
                continue;
            }
            code.insertBefore(call, before);
            String desc = "(L" + LUA_VALUE + ";" + call.desc.substring(1);
            code.set(call, new MethodInsnNode(Opcodes.INVOKEVIRTUAL, HUB, call.name, desc, false));
        }
    }

    /**
     * {@code enter()} first, {@code exit()} before each return, and around it all a handler that ends the frame and
     * makes what it throws the interpreter's error ({@link CompiledMetering#failed}).
     */
    private static void meterDepth(String owner, MethodNode method, String source) {
        InsnList code = method.instructions;
        for (AbstractInsnNode i : code.toArray()) {
            int op = i.getOpcode();
            if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) {
                code.insertBefore(i, hubCall(owner, "exit"));
            }
        }
        LabelNode start = new LabelNode();
        LabelNode end = new LabelNode();
        LabelNode handler = new LabelNode();
        code.insert(start);
        code.insert(hubCall(owner, "enter"));
        code.add(end);
        code.add(handler);
        code.add(new FieldInsnNode(Opcodes.GETSTATIC, owner, FIELD, HUB_DESC));
        code.add(new InsnNode(Opcodes.SWAP));
        code.add(new LdcInsnNode(owner.replace('/', '.')));
        code.add(new LdcInsnNode(source));
        code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, HUB, "failed",
                "(Ljava/lang/Throwable;Ljava/lang/String;Ljava/lang/String;)Ljava/lang/Throwable;", false));
        code.add(new InsnNode(Opcodes.ATHROW));
        method.tryCatchBlocks.add(new TryCatchBlockNode(start, end, handler, null));
    }

    /**
     * For each instruction index, the number of instructions in the basic block it starts, or 0 when it starts
     * none. A block starts at 0, at every jump's target and after every instruction that may not fall through to
     * the next (a jump, a test that may skip, a loop instruction, a return).
     */
    static int[] blockSizes(Prototype p) {
        int n = p.code.length;
        boolean[] leader = new boolean[n + 2];
        leader[0] = true;
        for (int pc = 0; pc < n; pc++) {
            int i = p.code[pc];
            switch (Lua.GET_OPCODE(i)) {
                case Lua.OP_JMP, Lua.OP_FORPREP, Lua.OP_FORLOOP, Lua.OP_TFORLOOP -> {
                    int target = pc + 1 + Lua.GETARG_sBx(i);
                    if (target >= 0 && target < n) {
                        leader[target] = true;
                    }
                    leader[pc + 1] = true;
                }
                case Lua.OP_EQ, Lua.OP_LT, Lua.OP_LE, Lua.OP_TEST, Lua.OP_TESTSET -> {
                    leader[pc + 1] = true;
                    leader[pc + 2] = true;
                }
                case Lua.OP_LOADBOOL -> {
                    if (Lua.GETARG_C(i) != 0) {
                        leader[pc + 1] = true;
                        leader[pc + 2] = true;
                    }
                }
                case Lua.OP_RETURN, Lua.OP_TAILCALL, Lua.OP_TFORCALL -> leader[pc + 1] = true;
                default -> {
                }
            }
        }
        int[] size = new int[n];
        int next = n;
        for (int pc = n - 1; pc >= 0; pc--) {
            if (leader[pc]) {
                size[pc] = next - pc;
                next = pc;
            }
        }
        return size;
    }
}
