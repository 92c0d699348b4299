package dev.comet.cli;

import dev.comet.CometException;
import picocli.CommandLine;

/** Entry point of {@code bin/comet}: dispatches to the subcommands and maps errors to exit codes once. */
@CommandLine.Command(name = "comet", mixinStandardHelpOptions = true, version = "comet 0.1.0",
        description = "Comet: an active distributed key-value store on a Mainline-compatible Kademlia DHT.",
        subcommands = {NodeCommand.class, ClusterCommand.class, SimCommand.class, ItemCommand.class, KeygenCommand.class, BenchCommand.class, CheckCommand.class, ObjectCommands.Put.class, ObjectCommands.Get.class, ObjectCommands.Delete.class})
public final class Main implements Runnable {
    /** Exit code for bad input (wrong arguments, invalid values). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for a failure while running (network, data directory, a check that did not pass). */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CometException ce) {
                commandLine.getErr().println("comet: " + ce.getMessage());
                return ce.code() == dev.comet.ErrorCode.BAD_INPUT ? EXIT_BAD_INPUT : EXIT_FAILURE;
            }
            commandLine.getErr().println("comet: unexpected error: " + e);
            return EXIT_FAILURE;
        });
        cli.setParameterExceptionHandler((e, parsed) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("comet: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_BAD_INPUT;
        });
        return cli.execute(args);
    }
}
