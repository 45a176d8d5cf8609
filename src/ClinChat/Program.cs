using ClinChat.Cli;

// One executable hosts the CLI commands and the web server (`clinchat serve`).
return await ClinChatCli.RunAsync(args);
