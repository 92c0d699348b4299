package dev.comet.cli;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.CometClientException;
import picocli.CommandLine;

/** Entry point of {@code bin/comet}: dispatches to the subcommands and maps errors to exit codes once ({@link ExitStatus}). */
@CommandLine.Command(name = "comet", mixinStandardHelpOptions = true, version = "comet 0.1.0",
        description = "Comet: an active distributed key-value store on a Mainline-compatible Kademlia DHT.",
        subcommands = {DemoCommand.class, AppsCommand.class, NodeCommand.class, ClusterCommand.class, ChaosCommand.class, SimCommand.class, ItemCommand.class, KeygenCommand.class, BenchCommand.class, CheckCommand.class, ObjectCommands.Put.class, ObjectCommands.Get.class, ObjectCommands.Delete.class, StateCommands.State.class, StateCommands.Log.class, UpdateCommands.Update.class, UpdateCommands.Versions.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Logs at INFO instead of the quiet default (WARN); COMET_LOG_LEVEL=DEBUG shows everything. */
    @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Log what the node does (INFO); quiet by default.")
    void verbose(boolean on) {
        if (on) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, never throwing. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        documentExitCodes(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            CometError error = errorOf(e);
            commandLine.getErr().println("comet: " + error.message());
            return ExitStatus.of(error.code()).code();
        });
        cli.setParameterExceptionHandler((e, parsed) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("comet: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitStatus.BAD_INPUT.code();
        });
        return cli.execute(args);
    }

    /** The error a command failed with: Comet's own, or an unexpected one (a bug) as an internal error. */
    private static CometError errorOf(Exception e) {
        if (e instanceof CometException ce) {
            return ce.error();
        }
        if (e instanceof CometClientException ce) {
            return ce.toError();
        }
        return new CometError(ErrorCode.INTERNAL, "unexpected error: " + e);
    }

    /** Lists the exit codes at the end of every command's --help. */
    private static void documentExitCodes(CommandLine command) {
        command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitStatus.helpList());
        command.getSubcommands().values().forEach(Main::documentExitCodes);
    }
}
