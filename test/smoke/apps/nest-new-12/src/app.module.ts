import { Controller, Get, Module, Put } from '@nestjs/common';
import { Cors, CorsModule } from 'nestjs-cors';

@Cors({ origin: 'https://admin.example.com', credentials: true })
@Controller('items')
export class ItemsController {
  @Get() list() {
    return ['one'];
  }

  @Cors({ methods: ['PUT'], allowedHeaders: ['X-Token'] })
  @Put(':id')
  update() {
    return 'updated';
  }
}

@Module({
  imports: [CorsModule.forRoot({ origin: 'https://app.example.com' })],
  controllers: [ItemsController],
})
export class AppModule {}
