print("chargereg")
