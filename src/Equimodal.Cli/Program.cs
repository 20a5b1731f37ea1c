Equimodal.Training.NativeRuntime.Prepare();
return Equimodal.Cli.EquimodalApp.Create().Run(args);
