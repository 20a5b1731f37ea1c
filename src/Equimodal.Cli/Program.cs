Equimodal.Training.NativeRuntime.Prepare();
return Equimodal.Cli.EquimodalApp.Run(args);
