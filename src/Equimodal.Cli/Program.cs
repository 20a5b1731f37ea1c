try
{
    Equimodal.Runtime.NativeRuntime.Prepare();
}
catch (ArgumentException invalidSetting)
{
    Equimodal.Cli.EquimodalApp.WriteError(invalidSetting.Message);
    return 2;
}
return Equimodal.Cli.EquimodalApp.Run(args);
