return Equimodal.Cli.EquimodalApp.Create().Run(args);
