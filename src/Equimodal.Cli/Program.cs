return Equimodal.Cli.EquimodalApp.Run(args);
