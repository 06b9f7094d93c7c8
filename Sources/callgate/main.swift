print("callgate")
