System.Console.WriteLine(Equimodal.Probe.Run());
